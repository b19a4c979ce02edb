"""`python -m orbitdb ...` is the `orbitdb` command."""

import sys

from orbitdb.cli import main

sys.exit(main())
