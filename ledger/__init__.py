"""The event store: canonical encoding, keys, signatures, hash chains, verification."""
