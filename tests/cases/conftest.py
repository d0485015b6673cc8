"""The case fixtures live in tests/conftest.py: referrals and providers use them too."""
