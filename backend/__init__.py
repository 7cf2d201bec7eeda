"""The be-in guest kiosk's backend: be-in proxy, webhook receiver, store and simulator."""
