"""`python -m commandcenter.platform --db PATH [--host H] [--port N] [--scenario FILE] ...`"""
import sys

from commandcenter.platform.server import main

sys.exit(main(sys.argv[1:], prog="python -m commandcenter.platform"))
