/** Calls whose answer is an XML document. S3 may answer 200 and then an <Error> (CopyObject, CompleteMultipartUpload): that is a failure too. */
import { S3Error, malformedAnswer } from './s3Error';
import { readAll, type S3Call, type S3Transport } from './s3Transport';
import { asRecord, parseXml, text, type XmlNode } from './s3Xml';

/** The children of the answer's root element `root`; retried like any call when the answer is an error or unreadable. */
export function xmlCall(transport: S3Transport, call: S3Call, root: string, target?: string): Promise<XmlNode> {
  const key = call.key ?? target;
  const where = { op: call.op, bucket: call.bucket, ...(key !== undefined ? { key } : {}) };
  return transport.stream(call, async (response, progress) => {
    const body = new TextDecoder().decode(await readAll(response, progress));
    let document: XmlNode;
    try {
      document = body.trim() ? parseXml(body) : {};
    } catch (error) {
      throw malformedAnswer(call.op, call.bucket, key, (error as Error).message, response.status);
    }
    const error = asRecord(document.Error);
    if (error) {
      const detail = text(error.Message);
      throw new S3Error({ ...where, status: response.status, code: text(error.Code) ?? 'InternalError', ...(detail ? { detail } : {}) });
    }
    const result = asRecord(document[root]);
    if (!result) {
      // An empty element (<DeleteResult/>) parses as '': present, with no children.
      if (document[root] === '') return {};
      throw malformedAnswer(call.op, call.bucket, key, `an answer without <${root}>`, response.status);
    }
    return result;
  });
}
