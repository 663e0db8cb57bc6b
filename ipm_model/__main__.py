"""`python -m ipm_model`: see ipm_model/cli.py."""

import sys

from ipm_model.cli import main

sys.exit(main())
