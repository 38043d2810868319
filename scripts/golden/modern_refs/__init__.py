"""Transcriptions of the authors' reference optimizers, runnable on torch 1.13 (see ../MODERN.md)."""
