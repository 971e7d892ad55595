"""Turn history-blog articles into narrated episode kits."""

__version__ = "0.1.0"
