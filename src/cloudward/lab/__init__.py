"""The built-in lab: an emulated AWS account (moto in server mode on 127.0.0.1) seeded with known weaknesses."""

from cloudward.lab.server import LAB_ACCOUNT_ID, LAB_CREDENTIALS, LabServer

__all__ = ["LAB_ACCOUNT_ID", "LAB_CREDENTIALS", "LabServer"]
