"""Cross-cutting pieces: errors and small helpers shared by every part of cloudward."""
