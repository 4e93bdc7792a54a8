import sys

from ivp_core.cli import main

sys.exit(main())
