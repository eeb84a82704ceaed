"""The browser front end (leaflet serve): an ASGI app over the library; nothing imports it."""
