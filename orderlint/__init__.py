"""orderlint: the order, failure handling and database reach of Rails tasks in ops scripts."""

__version__ = "0.1.0"


def compiled() -> bool:
    """Whether the analysis core of this install is compiled (`ORDERLINT_MYPYC=1`, see setup.py):
    its extension modules then sit beside the sources, and Python imports an extension module
    before a source file of the same name. Reads one folder and imports nothing."""
    import os

    import _imp

    try:
        names = set(os.listdir(os.path.join(os.path.dirname(__file__), "shell")))
    except OSError:
        return False
    return any("extract" + suffix in names for suffix in _imp.extension_suffixes())


def version_line() -> str:
    """What `orderlint --version` prints."""
    return f"orderlint {__version__}{' (compiled)' if compiled() else ''}\n"
