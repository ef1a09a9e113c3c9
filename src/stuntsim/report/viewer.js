/* stuntsim 3-D viewer: one generic player for every stunt kind.
 *
 * Reads the scene JSON in <script id="stuntsim-scene"> (built by stuntsim.report.viewer from a
 * kind's result; the format is documented there and in docs/viewer.md) and draws it with
 * three.js (inlined beside this file, global THREE). World frame: x = east, y = north,
 * z = up, metres, relative to scene.origin_m so that the GPU's float32 stays precise.
 * Body frame: x = right, y = forward, z = up; attitude = heading (deg clockwise from true
 * north), pitch (deg, nose up +), roll (deg, right side down +).
 *
 * Test API: window.stuntsimViewer = {duration, seek(t), state(), setCamera(name), play(),
 * pause(), ready}.
 */
(function () {
  "use strict";
  var holder = document.getElementById("sv-canvas");
  var dataEl = document.getElementById("stuntsim-scene");
  if (!holder || !dataEl || typeof THREE === "undefined") return;
  var S = JSON.parse(dataEl.textContent);
  var O = S.origin_m || [0, 0, 0];
  var tr = S.track;
  var T = tr.t, N = T.length;
  var t0 = T[0], t1 = T[N - 1];
  var D2R = Math.PI / 180;

  function rel(p) { return new THREE.Vector3(p[0] - O[0], p[1] - O[1], p[2] - O[2]); }

  // --- time interpolation -----------------------------------------------------------------
  function locate(t) {            // index i and weight w so that t = T[i] + w (T[i+1] - T[i])
    if (t <= T[0]) return [0, 0];
    if (t >= T[N - 1]) return [N - 2 < 0 ? 0 : N - 2, N > 1 ? 1 : 0];
    var lo = 0, hi = N - 1;
    while (hi - lo > 1) { var m = (lo + hi) >> 1; if (T[m] <= t) lo = m; else hi = m; }
    var dt = T[hi] - T[lo];
    return [lo, dt > 0 ? (t - T[lo]) / dt : 0];
  }
  function lerp(a, iw) {                 // null (NaN, no value) stays null
    var i = iw[0], w = iw[1];
    if (a.length === 1) return a[0];
    var x = a[i], b = a[Math.min(i + 1, a.length - 1)];
    if (x === null || b === null) return w < 0.5 ? x : b;
    return x + w * (b - x);
  }
  function previous(a, iw) { return a[iw[1] >= 1 ? Math.min(iw[0] + 1, a.length - 1) : iw[0]]; }

  // --- renderer, scene, lights --------------------------------------------------------------
  var W = holder.clientWidth || 800, H = holder.clientHeight || 460;
  var renderer = new THREE.WebGLRenderer({antialias: true, preserveDrawingBuffer: true,
                                          logarithmicDepthBuffer: true});
  renderer.setPixelRatio(1);
  renderer.setSize(W, H);
  renderer.setClearColor(new THREE.Color(S.sky || "#dfe9f3"));
  holder.appendChild(renderer.domElement);
  var scene = new THREE.Scene();
  var camera = new THREE.PerspectiveCamera(50, W / H, 0.05, 5e6);
  camera.up.set(0, 0, 1);
  scene.add(new THREE.HemisphereLight(0xffffff, 0x667755, 2.0));
  var sun = new THREE.DirectionalLight(0xffffff, 1.5);
  sun.position.set(-0.4, -0.6, 1.0);
  scene.add(sun);

  // --- static objects ---------------------------------------------------------------------
  function lineOf(points, colour, closed, opacity) {
    var g = new THREE.BufferGeometry();
    var a = [];
    points.forEach(function (p) { a.push(p[0] - O[0], p[1] - O[1], p[2] - O[2]); });
    if (closed && points.length) a.push(a[0], a[1], a[2]);
    g.setAttribute("position", new THREE.Float32BufferAttribute(a, 3));
    var m = new THREE.LineBasicMaterial({color: colour, transparent: opacity < 1,
                                         opacity: opacity === undefined ? 1 : opacity});
    return new THREE.Line(g, m);
  }
  function label(text, colour) {
    var c = document.createElement("canvas");
    var ctx = c.getContext("2d");
    ctx.font = "bold 26px sans-serif";
    var w = Math.ceil(ctx.measureText(text).width) + 16;
    c.width = w; c.height = 36;
    ctx.font = "bold 26px sans-serif";
    ctx.fillStyle = "rgba(255,255,255,0.82)";
    ctx.fillRect(0, 0, w, 36);
    ctx.fillStyle = colour || "#1b1f24";
    ctx.fillText(text, 8, 27);
    var tex = new THREE.CanvasTexture(c);
    var sp = new THREE.Sprite(new THREE.SpriteMaterial({map: tex, sizeAttenuation: false,
                                                        depthTest: false}));
    sp.scale.set(0.03 * w / 36, 0.03, 1);
    sp.center.set(0, 0);
    sp.renderOrder = 10;
    return sp;
  }
  var sizeNodes = [];               // objects drawn at a roughly constant size on screen
  function marker(at, colour, px) {
    var m = new THREE.Mesh(new THREE.SphereGeometry(1, 16, 12),
                           new THREE.MeshBasicMaterial({color: colour}));
    m.position.copy(rel(at));
    m.userData.px = px || 6;
    sizeNodes.push(m);
    return m;
  }
  function surface(s) {
    var g = new THREE.BufferGeometry();
    var pos = [], col = [], idx = [];
    var zmin = Infinity, zmax = -Infinity, i, j;
    s.z.forEach(function (v) { if (v < zmin) zmin = v; if (v > zmax) zmax = v; });
    var lo = new THREE.Color(s.low || "#5a7d3a"), hi = new THREE.Color(s.high || "#e8e2d0");
    for (j = 0; j < s.ny; j++) for (i = 0; i < s.nx; i++) {
      var z = s.z[j * s.nx + i];
      pos.push(s.e0 + i * s.de - O[0], s.n0 + j * s.dn - O[1], z - O[2]);
      var c = lo.clone().lerp(hi, zmax > zmin ? (z - zmin) / (zmax - zmin) : 0);
      col.push(c.r, c.g, c.b);
    }
    for (j = 0; j + 1 < s.ny; j++) for (i = 0; i + 1 < s.nx; i++) {
      var k = j * s.nx + i;
      idx.push(k, k + 1, k + s.nx, k + 1, k + s.nx + 1, k + s.nx);
    }
    g.setAttribute("position", new THREE.Float32BufferAttribute(pos, 3));
    g.setAttribute("color", new THREE.Float32BufferAttribute(col, 3));
    g.setIndex(idx);
    g.computeVertexNormals();
    return new THREE.Mesh(g, new THREE.MeshLambertMaterial({vertexColors: true,
      side: THREE.DoubleSide, transparent: !!s.opacity, opacity: s.opacity || 1}));
  }
  function addObject(o) {
    var node;
    if (o.type === "line") node = lineOf(o.points, o.color, o.closed, o.opacity);
    else if (o.type === "points") {
      var g = new THREE.BufferGeometry(), a = [];
      o.points.forEach(function (p) { a.push(p[0] - O[0], p[1] - O[1], p[2] - O[2]); });
      g.setAttribute("position", new THREE.Float32BufferAttribute(a, 3));
      node = new THREE.Points(g, new THREE.PointsMaterial({color: o.color, size: o.size || 3,
        sizeAttenuation: false}));
    } else if (o.type === "marker") {
      node = marker(o.at, o.color, o.size);
    } else if (o.type === "label") {
      node = label(o.text, o.color);
      node.position.copy(rel(o.at));
    } else if (o.type === "arrow") {
      var v = new THREE.Vector3(o.vector[0], o.vector[1], o.vector[2]);
      var len = v.length();
      if (len <= 0) return;
      node = new THREE.ArrowHelper(v.normalize(), rel(o.from), len, o.color, 0.25 * len,
                                   0.12 * len);
    } else if (o.type === "box") {
      node = new THREE.Mesh(new THREE.BoxGeometry(o.size[0], o.size[1], o.size[2]),
        new THREE.MeshLambertMaterial({color: o.color, transparent: (o.opacity || 1) < 1,
                                       opacity: o.opacity || 1}));
      node.position.copy(rel(o.centre));
      node.rotation.order = "ZXY";
      node.rotation.z = -(o.heading_deg || 0) * D2R;
      node.rotation.x = (o.pitch_deg || 0) * D2R;  // nose up about the east axis (ramps)
    } else if (o.type === "disc") {
      node = new THREE.Mesh(new THREE.CircleGeometry(o.radius, 96),
        new THREE.MeshBasicMaterial({color: o.color, transparent: true,
                                     opacity: o.opacity || 0.25, side: THREE.DoubleSide,
                                     depthWrite: false}));
      node.position.copy(rel(o.centre));
    } else if (o.type === "surface") node = surface(o);
    else return;
    node.userData.layer = o.layer || "";
    scene.add(node);
  }
  (S.objects || []).forEach(addObject);

  // the path, one colour per sample
  (function () {
    var g = new THREE.BufferGeometry(), a = [], c = [];
    var pal = (S.palette || ["#0969da"]).map(function (h) { return new THREE.Color(h); });
    for (var i = 0; i < N; i++) {
      a.push(tr.east[i] - O[0], tr.north[i] - O[1], tr.up[i] - O[2]);
      var col = pal[tr.colour ? tr.colour[i] : 0] || pal[0];
      c.push(col.r, col.g, col.b);
    }
    g.setAttribute("position", new THREE.Float32BufferAttribute(a, 3));
    g.setAttribute("color", new THREE.Float32BufferAttribute(c, 3));
    scene.add(new THREE.Line(g, new THREE.LineBasicMaterial({vertexColors: true})));
  })();

  // --- the moving body --------------------------------------------------------------------
  function part(p) {
    var geo, mat = new THREE.MeshLambertMaterial({color: p.color || "#57606a",
      transparent: (p.opacity || 1) < 1, opacity: p.opacity || 1});
    if (p.shape === "box") geo = new THREE.BoxGeometry(p.size[0], p.size[1], p.size[2]);
    else if (p.shape === "sphere") geo = new THREE.SphereGeometry(p.radius, 16, 12);
    else if (p.shape === "disc") {
      geo = new THREE.CylinderGeometry(p.radius, p.radius, p.thickness || 0.02, 48);
      geo.rotateX(Math.PI / 2);              // cylinder axis y -> z (a rotor disc)
    } else if (p.shape === "wheel") {
      geo = new THREE.CylinderGeometry(p.radius, p.radius, p.width, 24);
      geo.rotateZ(Math.PI / 2);              // axis y -> x (the axle, across the body)
    } else return null;
    var m = new THREE.Mesh(geo, mat);
    m.position.set(p.at[0], p.at[1], p.at[2]);
    return m;
  }
  var bodySpec = S.body || {parts: []};
  var body = new THREE.Group();
  var bodyInner = new THREE.Group();       // scaled up when seen from afar
  body.add(bodyInner);
  body.rotation.order = "ZXY";
  var switched = [];                      // parts shown only for some values of a channel
  bodySpec.parts.forEach(function (p) {
    var m = part(p);
    if (!m) return;
    bodyInner.add(m);
    if (p.show) switched.push({node: m, show: p.show});
  });
  scene.add(body);
  var bodySize = bodySpec.size_m || 2;
  var gauges = (bodySpec.gauges || []).map(function (gs) {
    var bar = new THREE.Mesh(new THREE.BoxGeometry(gs.width_m || 0.07, gs.width_m || 0.07, 1),
      new THREE.MeshBasicMaterial({color: gs.color || "#cf222e", depthTest: false,
                                   transparent: true, opacity: 0.9}));
    bar.geometry.translate(0, 0, 0.5);     // grows up from its foot
    bar.renderOrder = 5;
    scene.add(bar);
    return {spec: gs, bar: bar};
  });
  // movers: rigid things on a straight line at constant velocity (the jump aircraft)
  var movers = (S.movers || []).map(function (mv) {
    var g = new THREE.Group();
    g.rotation.z = -(mv.heading_deg || 0) * D2R;
    (mv.parts || []).forEach(function (p) { var m = part(p); if (m) g.add(m); });
    scene.add(g);
    return {spec: mv, node: g};
  });
  var followers = (S.followers || []).map(function (f) {
    var m = marker([0, 0, 0], f.color || "#8250df", 5);
    scene.add(m);
    return {spec: f, node: m};
  });
  var dropLine = null, dropLabel = null;
  if (tr.ground) {
    var g = new THREE.BufferGeometry();
    g.setAttribute("position", new THREE.Float32BufferAttribute([0, 0, 0, 0, 0, 1], 3));
    dropLine = new THREE.Line(g, new THREE.LineBasicMaterial({color: "#bf3989"}));
    scene.add(dropLine);
  }

  // --- cameras ----------------------------------------------------------------------------
  var bbMin = [Infinity, Infinity, Infinity], bbMax = [-Infinity, -Infinity, -Infinity];
  for (var i = 0; i < N; i++) {
    var p = [tr.east[i], tr.north[i], tr.up[i]];
    for (var k = 0; k < 3; k++) { bbMin[k] = Math.min(bbMin[k], p[k]); bbMax[k] = Math.max(bbMax[k], p[k]); }
  }
  (S.extent_m || []).forEach(function (p) {
    for (var k = 0; k < 3; k++) { bbMin[k] = Math.min(bbMin[k], p[k]); bbMax[k] = Math.max(bbMax[k], p[k]); }
  });
  var centre = rel([(bbMin[0] + bbMax[0]) / 2, (bbMin[1] + bbMax[1]) / 2, (bbMin[2] + bbMax[2]) / 2]);
  var span = Math.max(bbMax[0] - bbMin[0], bbMax[1] - bbMin[1], bbMax[2] - bbMin[2], 10);
  var cams = S.cameras || {};
  var view = {name: cams.default || "chase", az: 0, el: 0, zoom: 1};
  var cur = {t: t0, pos: new THREE.Vector3(), att: [0, 0, 0]};

  function bodyAxes() {
    var m = new THREE.Matrix4().makeRotationFromEuler(body.rotation);
    return m;
  }
  function placeCamera() {
    var target = cur.pos.clone(), eye;
    var name = view.name;
    var fov = 50;
    if (name === "chase") {
      var d = (cams.chase_distance_m || 30) * view.zoom;
      // behind the body along its heading and pitch, 0.3 rad above that line (so a falling
      // jumper is seen from above, against the ground)
      var hd = cur.att[0] * D2R + view.az;
      var q = Math.max(cur.att[1] * D2R - 0.3 - view.el, -1.5533);
      eye = target.clone().add(new THREE.Vector3(-Math.sin(hd) * Math.cos(q) * d,
        -Math.cos(hd) * Math.cos(q) * d, -Math.sin(q) * d));
      camera.up.set(0, 0, 1);
    } else if (name === "top") {
      target = new THREE.Vector3(centre.x, centre.y, cur.pos.z);
      var h = span * 1.25 * view.zoom;
      eye = new THREE.Vector3(centre.x + 1e-3 + view.az * h * 0.2, centre.y - 1e-3, cur.pos.z + h);
      camera.up.set(0, 1, 0);
    } else if (name === "side") {
      target = centre.clone();
      var az = (cams.side_azimuth_deg || 0) * D2R + view.az;
      var ds = span * 1.3 * view.zoom;
      eye = centre.clone().add(new THREE.Vector3(Math.sin(az) * -ds, Math.cos(az) * -ds,
                                                 ds * (0.05 + view.el)));
      camera.up.set(0, 0, 1);
    } else {                                   // a mount on the body: the rig or the driver
      var mount = (cams.mounts || {})[name] || {at: [0, 0, 0], look: [0, 1, 0]};
      var R = bodyAxes();
      eye = target.clone().add(new THREE.Vector3().fromArray(mount.at).applyMatrix4(R));
      var look = new THREE.Vector3().fromArray(mount.look);
      look.applyAxisAngle(new THREE.Vector3(0, 0, 1), -view.az);
      target = eye.clone().add(look.applyMatrix4(R).multiplyScalar(10));
      camera.up.set(0, 0, 1).applyMatrix4(R);
      fov = mount.fov_deg || 70;
    }
    camera.fov = fov;
    camera.position.copy(eye);
    camera.lookAt(target);
    camera.near = Math.max(0.05, eye.distanceTo(target) * 1e-3);
    camera.far = span * 50 + 1e5;
    camera.updateProjectionMatrix();
    // things drawn at a constant size on screen, and the body enlarged when far away
    var px = 2 * Math.tan(camera.fov * D2R / 2) / H;
    sizeNodes.concat(followers.map(function (f) { return f.node; })).forEach(function (n) {
      n.scale.setScalar(Math.max(1e-3, n.position.distanceTo(eye) * px * n.userData.px / 2));
    });
    var far = body.position.distanceTo(eye) * px * 28 / bodySize;
    var mounted = !(name === "chase" || name === "top" || name === "side");
    bodyInner.scale.setScalar(mounted ? 1 : Math.max(1, far));
    bodyInner.visible = !(mounted && (cams.mounts || {})[name] && cams.mounts[name].hide_body);
  }

  // --- state at time t --------------------------------------------------------------------
  function stateAt(t) {
    var iw = locate(t);
    var e = lerp(tr.east, iw), n = lerp(tr.north, iw), u = lerp(tr.up, iw);
    var hd = tr.heading ? lerp(tr.heading, iw) : 0;
    var pt = tr.pitch ? lerp(tr.pitch, iw) : 0;
    var rl = tr.roll ? lerp(tr.roll, iw) : 0;
    return {iw: iw, e: e, n: n, u: u, att: [((hd % 360) + 360) % 360, pt, rl]};
  }
  function fmt(v, digits) {
    if (v === null || v === undefined || (typeof v === "number" && !isFinite(v))) return "—";
    return Number(v).toLocaleString("en", {minimumFractionDigits: digits, maximumFractionDigits: digits});
  }
  var panel = document.getElementById("sv-state");
  var checkList = document.getElementById("sv-checks");
  var timeLabel = document.getElementById("sv-time");
  var slider = document.getElementById("sv-slider");

  function update(t) {
    t = Math.min(Math.max(t, t0), t1);
    var s = stateAt(t);
    cur.t = t;
    cur.pos.set(s.e - O[0], s.n - O[1], s.u - O[2]);
    cur.att = s.att;
    body.position.copy(cur.pos);
    body.rotation.set(s.att[1] * D2R, s.att[2] * D2R, -s.att[0] * D2R, "ZXY");
    switched.forEach(function (sw) {
      sw.node.visible = sw.show.in.indexOf(previous(S.channels[sw.show.channel].values, s.iw)) >= 0;
    });
    body.updateMatrixWorld(true);
    gauges.forEach(function (g) {
      var base = new THREE.Vector3().fromArray(g.spec.at).applyMatrix4(body.matrixWorld);
      var v = lerp(S.channels[g.spec.channel].values, s.iw);
      var len = (v === null ? 0 : v) * g.spec.scale;
      g.bar.position.copy(base);
      g.bar.scale.set(1, 1, Math.max(len, 1e-3));
      g.bar.visible = len > 1e-3;
    });
    movers.forEach(function (mv) {
      var sp = mv.spec, dt = t - sp.t_ref;
      mv.node.position.set(sp.from[0] + sp.velocity[0] * dt - O[0],
                           sp.from[1] + sp.velocity[1] * dt - O[1],
                           sp.from[2] + sp.velocity[2] * dt - O[2]);
      mv.node.visible = t >= sp.t0 && t <= sp.t1;
    });
    followers.forEach(function (f) {
      var q = stateAt(t - f.spec.delay_s);
      var off = f.spec.offset_m;
      f.node.position.set(q.e + off[0] - O[0], q.n + off[1] - O[1], q.u + off[2] - O[2]);
      f.node.visible = t - f.spec.delay_s >= t0;
    });
    if (dropLine) {
      var gz = lerp(tr.ground, s.iw);
      var a = dropLine.geometry.attributes.position;
      a.setXYZ(0, cur.pos.x, cur.pos.y, cur.pos.z);
      a.setXYZ(1, cur.pos.x, cur.pos.y, gz - O[2]);
      a.needsUpdate = true;
      dropLine.geometry.computeBoundingSphere();
    }
    // the panel
    var rows = [["time", fmt(t, 2) + " s"]];
    (S.channels || []).forEach(function (c) {
      if (c.hidden) return;
      var txt;
      if (c.categories) txt = c.categories[previous(c.values, s.iw)];
      else {
        var v = lerp(c.values, s.iw);
        if (v === null) { rows.push([c.label, "—"]); return; }
        txt = fmt(v, c.digits === undefined ? 1 : c.digits) + (c.unit ? " " + c.unit : "");
        if (c.limit !== undefined && c.limit !== null) {
          var bad = c.sense === "max" ? v > c.limit : v < c.limit;
          txt = '<span class="' + (bad ? "sv-bad" : "sv-ok") + '">' + txt + "</span>";
        }
      }
      rows.push([c.label, txt]);
    });
    if (panel) panel.innerHTML = rows.map(function (r) {
      return "<tr><th>" + r[0] + "</th><td>" + r[1] + "</td></tr>"; }).join("");
    if (checkList) {
      checkList.querySelectorAll("li").forEach(function (li) {
        var at = parseFloat(li.getAttribute("data-t"));
        li.classList.toggle("sv-now", isFinite(at) && Math.abs(at - t) <= S.check_window_s);
        li.classList.toggle("sv-past", isFinite(at) && at < t - S.check_window_s);
      });
    }
    if (timeLabel) timeLabel.textContent = fmt(t, 1) + " / " + fmt(t1, 1) + " s";
    if (slider && !slider.matches(":active")) slider.value = String(t);
    placeCamera();
    renderer.render(scene, camera);
  }

  // --- controls ---------------------------------------------------------------------------
  var playing = false, speed = 1, last = null;
  var playBtn = document.getElementById("sv-play");
  function frame(now) {
    if (!playing) { last = null; return; }
    if (last !== null) {
      var nt = cur.t + (now - last) / 1000 * speed;
      if (nt >= t1) { nt = t1; playing = false; if (playBtn) playBtn.textContent = "▶ play"; }
      update(nt);
    }
    last = now;
    if (playing) requestAnimationFrame(frame);
  }
  function play() {
    if (cur.t >= t1) update(t0);
    playing = true; last = null;
    if (playBtn) playBtn.textContent = "❚❚ pause";
    requestAnimationFrame(frame);
  }
  function pause() { playing = false; if (playBtn) playBtn.textContent = "▶ play"; }
  if (playBtn) playBtn.addEventListener("click", function () { if (playing) pause(); else play(); });
  var speedSel = document.getElementById("sv-speed");
  if (speedSel) {
    speedSel.value = String(S.default_speed || 1);
    speed = parseFloat(speedSel.value) || 1;
    speedSel.addEventListener("change", function () { speed = parseFloat(speedSel.value) || 1; });
  }
  if (slider) {
    slider.min = String(t0); slider.max = String(t1);
    slider.step = String(Math.max((t1 - t0) / 2000, 0.001));
    slider.addEventListener("input", function () { update(parseFloat(slider.value)); });
  }
  function setCamera(name) {
    view = {name: name, az: 0, el: 0, zoom: 1};
    document.querySelectorAll("#sv-cams button").forEach(function (b) {
      b.classList.toggle("sv-active", b.getAttribute("data-cam") === name);
    });
    update(cur.t);
  }
  document.querySelectorAll("#sv-cams button").forEach(function (b) {
    b.addEventListener("click", function () { setCamera(b.getAttribute("data-cam")); });
  });
  document.querySelectorAll("#sv-marks .sv-mark").forEach(function (m) {
    m.addEventListener("click", function () { update(parseFloat(m.getAttribute("data-t"))); });
  });
  var drag = null;
  renderer.domElement.addEventListener("pointerdown", function (ev) {
    drag = [ev.clientX, ev.clientY];
  });
  window.addEventListener("pointerup", function () { drag = null; });
  window.addEventListener("pointermove", function (ev) {
    if (!drag) return;
    view.az += (ev.clientX - drag[0]) * 0.01;
    view.el = Math.max(-0.25, Math.min(1.2, view.el + (ev.clientY - drag[1]) * 0.01));
    drag = [ev.clientX, ev.clientY];
    update(cur.t);
  });
  renderer.domElement.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    view.zoom = Math.max(0.05, Math.min(20, view.zoom * Math.exp(ev.deltaY * 0.001)));
    update(cur.t);
  }, {passive: false});
  window.addEventListener("keydown", function (ev) {
    if (ev.target && /INPUT|SELECT|TEXTAREA/.test(ev.target.tagName)) return;
    if (ev.key === " ") { ev.preventDefault(); if (playing) pause(); else play(); }
    else if (ev.key === "ArrowRight") update(cur.t + (t1 - t0) / 100);
    else if (ev.key === "ArrowLeft") update(cur.t - (t1 - t0) / 100);
  });

  window.addEventListener("resize", function () {
    var w = holder.clientWidth, h = holder.clientHeight;
    if (!w || !h || (w === W && h === H)) return;
    W = w; H = h;
    renderer.setSize(W, H);
    camera.aspect = W / H;
    update(cur.t);
  });

  window.stuntsimViewer = {
    kind: S.kind,
    duration: t1 - t0,
    start: t0,
    seek: function (t) { pause(); update(t); return this.state(); },
    state: function () {
      var s = stateAt(cur.t);
      return {t: cur.t, position_m: [s.e, s.n, s.u], attitude_deg: s.att, camera: view.name};
    },
    setCamera: setCamera,
    play: play,
    pause: pause,
    ready: true
  };
  setCamera(view.name);
})();
