"""Lantern: a national referral mechanism and crisis response platform for trafficking in persons."""

__version__ = "0.1.0"
