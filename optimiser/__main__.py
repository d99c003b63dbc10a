"""``python -m optimiser``: the ``optimiser`` command, as ``python -m optimiser.cli`` is."""

from optimiser.cli import main

main()
