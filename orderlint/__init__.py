"""orderlint: the order, failure handling and database reach of Rails tasks in ops scripts."""

__version__ = "0.1.0"
