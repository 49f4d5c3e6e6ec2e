"""Dataset releases: versioned, reproducible archives of output/ with card, changelog, checksums.

`archive.build_release` packages output/ into dist/; `verify.verify` is the consumer's check.
"""
