"""QI method pages, one module per part: theories, projects, cycles, scores, data, library."""
