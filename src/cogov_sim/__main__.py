"""``python -m cogov_sim``: the command line, also where the ``cogov-sim`` script is not on
``PATH`` (e.g. ``.venv\\Scripts\\python -m cogov_sim ...`` on Windows)."""

import sys

from .cli import main

if __name__ == "__main__":  # not when multiprocessing's spawn re-imports the main module
    sys.exit(main())
