"""Rails knowledge: the databases of config/database.yml, what each task touches, the order policy."""
