"""The quality gates' checkers (axe-core, the Nu HTML checker), installed from the npm registry
by this folder's package.json and package-lock.json (`make gates-deps`, run by `make test`)."""
