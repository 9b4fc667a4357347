import { Value } from 'typebox/value';
import { Type } from 'typebox';
const S = Type.Object({ limit: Type.Integer() });
console.log(JSON.stringify(['1.5', '1.9', '1e1', ' 2', '0x10', ''].map((v) => Value.Convert(S, { limit: v }))));
