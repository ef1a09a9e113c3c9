"""A small J-turn on five steps: the car scenario shared by the planner and CLI tests."""

J_TURN_BODY = """
[stairs]
platform_length = "30 m"
riser = "0.16 m"
tread = "0.32 m"
steps = 5
width = "10 m"
[start]
speed = "-50 km/h"
heading = "180 deg"
gear = "R"
north = "2 m"
[[driver]]
t = "0 s"
throttle = 0.4
[[driver]]
after = "north >= 9 m"
t = "0 s"
tag = "turn-in"
throttle = 0.0
clutch = 1.0
[[driver]]
after = "north >= 9 m"
t = "0.3 s"
tag = "lock"
steer = "-30 deg"
[[driver]]
after = "abs_yaw >= 70 deg"
t = "0 s"
tag = "countersteer"
steer = "-30 deg"
[[driver]]
after = "abs_yaw >= 70 deg"
t = "0.4 s"
steer = "0 deg"
[[driver]]
after = "abs_yaw >= 170 deg"
t = "0.1 s"
gear = "N"
[[driver]]
after = "abs_yaw >= 170 deg"
t = "0.9 s"
tag = "clutch-up"
gear = 1
clutch = 1.0
[[driver]]
after = "abs_yaw >= 170 deg"
t = "1.2 s"
tag = "clutch-up"
clutch = 0.0
"""
