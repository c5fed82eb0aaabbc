"""The core: validated parameters, the one vectorised model, one scenario's estimate."""
