"""Secrets: detectors for plaintext credentials, scanning of files, archives, git history and cloud configuration."""
