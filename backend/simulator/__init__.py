"""A stand-in for be-in's partner API and its door pods, for demos and tests only.

Production code never imports this package except to run demo mode, where the real be-in
client talks to it over loopback HTTP exactly as it would talk to be-in.
"""
from .bein_api import add_bein_routes
from .demo import add_demo_routes
from .state import Simulator

__all__ = ["Simulator", "add_bein_routes", "add_demo_routes"]
