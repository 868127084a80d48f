"""shell reading: discover → parse → extract (with launch) → resolve: shell text to orderlint's syntax types."""
