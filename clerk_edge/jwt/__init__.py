"""JWT decoding and verification (pure; signature checks go through the runner's ``Verify`` op)."""
