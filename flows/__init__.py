"""Kazakhstan Diplomatic Releases: the pipeline that builds the dataset from raw press releases."""

__version__ = "0.1.0"
