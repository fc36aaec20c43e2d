"""Tests of the cloud providers' collectors, against the lab emulator over real HTTP."""
