"""Where a stunt happens: atmosphere, gravity, winds aloft, the site and its local frame."""
