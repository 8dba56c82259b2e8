"""feedmaker: turn websites that publish no usable feed into Atom, RSS and JSON feeds."""

__version__ = "0.1.0"
