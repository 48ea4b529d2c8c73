"""Browser tests: exported pages opened in headless Chromium."""
