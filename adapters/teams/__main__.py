"""`python -m adapters.teams`: writes the Teams app package (see adapters/teams/package.py)."""

from adapters.teams.package import main

main()
