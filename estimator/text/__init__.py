"""Words and numbers: catalogue look-up, numbers per locale, the sentences both UIs and the reports share."""
