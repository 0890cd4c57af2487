"""Constants of the text data sets (MXNet 1.9.1's contrib/data/_constants.py)."""

EOS_TOKEN = "<eos>"
