#!/usr/bin/python3
"""The be-in guest kiosk's server; `serve.py --help` and `serve.py pair --help` tell more."""
import sys

from backend.cli import main

if __name__ == "__main__":
    sys.exit(main())
