"""The gateway to Strava: every call the product makes goes through stravalib here."""
