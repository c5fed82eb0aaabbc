"""Analyses built on the model: sensitivity and uncertainty, comparison of scenarios, published estimates."""
