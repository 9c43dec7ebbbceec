"""``python -m ecanalysis``: the same command line as the ``ecanalysis`` script."""

import sys

from ecanalysis.cli import main

sys.exit(main())
