/** A minimal Blob: bytes, a content type and a name. */
import { HostObject } from './hostObject';
import { nodeEncoding, signedBytes } from './bytes';

export class GasBlob extends HostObject {
  readonly gasClass = 'Blob';

  constructor(
    private data: Buffer,
    private contentType: string | null,
    private name: string | null,
  ) {
    super();
  }

  _buffer(): Buffer {
    return this.data;
  }

  getBytes(): number[] {
    return signedBytes(this.data);
  }
  getDataAsString(charset?: unknown): string {
    if (charset === undefined) return new TextDecoder('utf-8').decode(this.data);
    return this.data.toString(nodeEncoding(charset));
  }
  getContentType(): string | null {
    return this.contentType;
  }
  setContentType(contentType: unknown): GasBlob {
    this.contentType = contentType === null || contentType === undefined ? null : String(contentType);
    return this;
  }
  getName(): string | null {
    return this.name;
  }
  setName(name: unknown): GasBlob {
    this.name = name === null || name === undefined ? null : String(name);
    return this;
  }
  setDataFromString(text: unknown, charset?: unknown): GasBlob {
    this.data = Buffer.from(String(text), nodeEncoding(charset));
    return this;
  }
  copyBlob(): GasBlob {
    return new GasBlob(Buffer.from(this.data), this.contentType, this.name);
  }
  isGoogleType(): boolean {
    return false;
  }
}
