print("hello from a stock image")
