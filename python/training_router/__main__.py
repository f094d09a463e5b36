"""``python -m training_router``: the routing CLI."""

from training_router.cli import main

raise SystemExit(main())
