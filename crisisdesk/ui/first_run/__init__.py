"""The first-run window: what the app shows when its data folder holds no desk yet."""
