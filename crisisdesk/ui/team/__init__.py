"""The Team section: this laptop among the team's laptops, and exchanging work with them."""
