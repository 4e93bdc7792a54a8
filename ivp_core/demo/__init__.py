"""The fictitious trajectories that load into an empty database, built through the same code a real
trajectory uses. Sits above every room (it runs sessions and imports); only startup and cli import it.
"""
