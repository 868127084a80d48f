"""The command line around the pipeline: options, configuration, cache, baseline, suppressions."""
