test('jest runs TypeScript', () => { const x: number = 1; expect(x).toBe(1); });
