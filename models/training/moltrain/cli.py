"""Shared entry point for the package's command-line tools."""
import sys
from typing import Callable


def run_cli(main: Callable[[], int]) -> None:
    """Runs `main` and exits with its code; the package's named errors (ValueError/RuntimeError subclasses)
    print as one line and exit 1 instead of a traceback."""
    try:
        raise SystemExit(main())
    except (ValueError, RuntimeError) as err:
        print(f"{type(err).__name__}: {err}", file=sys.stderr)
        raise SystemExit(1) from None
