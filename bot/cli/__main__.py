"""``python -m bot.cli``: the same as the ``ketenbot`` command."""

from bot.cli.main import main

main()
