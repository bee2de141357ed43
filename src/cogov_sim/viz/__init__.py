"""Figures and labels (English and Chinese). Reads outcomes; never steps the model."""
