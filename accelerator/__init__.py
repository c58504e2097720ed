"""The doors: the command line (and later the web) over the services."""
