"""Extraction: sentences, speakers, figures, dates and places from one cleaned seed text."""
