"""Storage on the LSM engine: key and row codecs, the catalog and transactions."""
